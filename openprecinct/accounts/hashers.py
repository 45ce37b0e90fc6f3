from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane).

    Django's default asks 100 MiB per concurrent login, which two cores and a shift change
    cannot afford; these parameters take ~25 ms and stay within OWASP's guidance.
    """

    time_cost = 2
    memory_cost = 19 * 1024
    parallelism = 1
