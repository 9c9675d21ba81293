"""The home page: each role's work queue."""

from django.shortcuts import render


def home(request):
    return render(request, "home.html", {"queues": []})
