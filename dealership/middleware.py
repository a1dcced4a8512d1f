from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class StoreLocaleMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the person chose English in the header.

    Django's LocaleMiddleware would follow the browser's Accept-Language; a
    dealership's shared front-desk PC may well have an English browser, and
    the staff still expect the Chinese interface. The choice made with the
    header switch (the language cookie) is kept."""

    def process_request(self, request) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
