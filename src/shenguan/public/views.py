"""Public pages (公开信息), readable without login."""

from django.shortcuts import render


def index(request):
    """The public entrance: lists of items and linkage entries, licence verification."""
    return render(request, "public/index.html")
