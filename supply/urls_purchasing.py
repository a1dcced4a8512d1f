"""The purchasing pages of parts supply (issue 19)."""

urlpatterns: list = []
