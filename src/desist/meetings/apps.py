from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "desist.meetings"
    label = "meetings"
    verbose_name = "Meetings: MAPPA, panels and boards, from agenda to action"
