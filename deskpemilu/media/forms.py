from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from deskpemilu.core.dateinput import day_field
from deskpemilu.incidents.taxonomy import Category
from deskpemilu.media.models import ArticleClass


class ArticleFilterForm(forms.Form):
    region = forms.CharField(label=gettext_lazy("Region code"), required=False)
    klass = forms.ChoiceField(
        label=gettext_lazy("Class"),
        required=False,
        choices=[("", "—"), *ArticleClass.choices],
    )
    category = forms.ChoiceField(
        label=gettext_lazy("Category"),
        required=False,
        choices=[("", "—"), *Category.choices],
    )
    source = forms.TypedChoiceField(
        label=gettext_lazy("Source"), required=False, coerce=int, empty_value=None
    )
    since = day_field(gettext_lazy("From"), required=False)
    until = day_field(gettext_lazy("Until"), required=False)

    def __init__(self, *args, sources=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        source = self.fields["source"]
        assert isinstance(source, forms.TypedChoiceField)
        source.choices = [("", "—"), *((s.pk, s.name) for s in sources)]


class ArticlePasteForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300, required=False)
    url = forms.CharField(label=gettext_lazy("Link"), max_length=500, required=False)
    text = forms.CharField(
        label=gettext_lazy("Article text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    file = forms.FileField(
        label=gettext_lazy("or a file (.html, .txt)"), required=False
    )


class SourceForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    feed_url = forms.CharField(
        label=gettext_lazy("Feed (RSS/Atom URL or file)"),
        max_length=500,
        required=False,
    )


class AttachForm(forms.Form):
    incident = forms.IntegerField(label=gettext_lazy("Incident number"), min_value=1)
