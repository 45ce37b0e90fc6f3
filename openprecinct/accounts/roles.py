from django.db import models


class Role(models.TextChoices):
    PATROL_OFFICER = "patrol_officer", "Patrol officer"
    SERGEANT = "sergeant", "Sergeant"
    CRIME_ANALYST = "crime_analyst", "Crime analyst"
    DISPATCHER = "dispatcher", "Dispatcher"
    COMMANDING_OFFICER = "commanding_officer", "Commanding officer"
    RECORDS_CLERK = "records_clerk", "Records clerk"
    IA_INVESTIGATOR = "ia_investigator", "Internal-affairs investigator"
    OVERSIGHT_MEMBER = "oversight_member", "Civilian oversight committee member"
    COMMUNITY_AFFAIRS = "community_affairs", "Community affairs officer"
    ADMINISTRATOR = "administrator", "Administrator"
