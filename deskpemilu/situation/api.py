from ninja import Router
from ninja.security import django_auth

router = Router(tags=["situation"], auth=django_auth)
