from ninja import Router
from ninja.security import django_auth

router = Router(tags=["results"], auth=django_auth)
