"""The home pages of parts supply (issue 19)."""

urlpatterns: list = []
