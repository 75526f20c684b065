"""Questionnaire answers the tests and benchmarks walk through (pure data: buttons, or "=typed").

One copy of each journey, so the e2e tests, the conversation tests and bench/rules.py agree."""

# A web developer with a foreign bachelor's in another field, 2 years and TOPIK 4: eligible through
# the Korean-proficiency special case. Values are answer buttons; "=..." is typed text.
ELIGIBLE_WEB_DEV = (
    "web_developer",
    "bachelor",
    "abroad",
    "no",
    "=2",
    "yes",
    "topik",
    "4",
    "no",
    "=Uzbekistan",
    "yes",
    "yes",
    "=35,000,000",
)

# The application form: a person in Korea, eligible, with a job offer in Suwon.
ELIGIBLE_IN_KOREA = ("web_developer", "master", "abroad", "yes", "yes", "D-10", "VN", "yes", "yes", "=40000000")
