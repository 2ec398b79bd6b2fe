"""Public views of the network app (the directory) and the invitation landing page."""

from django.shortcuts import render


def directory(request):
    return render(request, "network/directory.html", {})


def accept_invitation_view(request, token):
    return render(request, "network/invitation.html", {})
