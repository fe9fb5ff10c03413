"""The knowledge base pages, under /kb/."""

from django.urls import path

from . import views

app_name = "knowledge"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="list"),
    path("<int:pk>/", views.ArticleDetailView.as_view(), name="detail"),
    path("<int:pk>/deflect/", views.ArticleDeflectView.as_view(), name="deflect"),
]
