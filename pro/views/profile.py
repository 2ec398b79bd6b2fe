"""« Mon profil » (`/pro/profil/`): how a member presents themself to peers, and to whom.

The profile row is created on the first save, not on the first visit: a member who never fills it in keeps
the default (seen by their bassins), exactly as if they had.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from network.models import MemberProfile

from ..forms import ProfileForm
from ..permissions import member_required


@member_required
def profile(request):
    instance = MemberProfile.objects.filter(user=request.user).first() or MemberProfile(user=request.user)
    form = ProfileForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Votre profil est enregistré."))
        return redirect("pro:profile")
    return render(request, "pro/profile.html", {"form": form, "profile": instance})
