from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "zhifa.reviews"
    label = "reviews"
    verbose_name = "案卷评审与评比"
