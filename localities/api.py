from rest_framework import serializers, viewsets
from rest_framework.routers import DefaultRouter

from localities.models import Locality


class LocalitySerializer(serializers.ModelSerializer):
    neighbourhoods: serializers.SlugRelatedField = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="name"
    )

    class Meta:
        model = Locality
        fields = ["slug", "name", "short_name", "neighbourhoods"]


class LocalityViewSet(viewsets.ReadOnlyModelViewSet):
    """The four localities, each with its neighbourhoods."""

    queryset = Locality.objects.prefetch_related("neighbourhoods").order_by("name")
    serializer_class = LocalitySerializer
    lookup_field = "slug"


router = DefaultRouter()
router.register("localities", LocalityViewSet, basename="locality")
urlpatterns = router.urls
