"""Authentication backend: Django's, reading the signed-in user with their
store in one query. Every staff page shows the store's name in its header,
which otherwise cost a second query on each request (issue 9)."""

from django.contrib.auth.backends import ModelBackend

from .models import User


class StaffBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            user = User._default_manager.select_related("store").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
