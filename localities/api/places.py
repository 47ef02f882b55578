"""The API of places: the localities and their neighbourhoods; a locality named by its slug."""

from rest_framework import serializers, viewsets

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

    queryset = Locality.objects.prefetch_related("neighbourhoods").order_by("name", "pk")
    serializer_class = LocalitySerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-z0-9]{1,50}"  # anything else (a NUL, say) is no locality: 404


# ILT: community assets, memberships and meetings ------------------------------------------


class LocalitySlugField(serializers.SlugField):
    """A locality, by its slug (for example `grays`)."""

    def to_internal_value(self, data: str) -> Locality:  # type: ignore[override]
        slug = super().to_internal_value(data)
        self.run_validators(slug)  # the slug's format, before it reaches the database
        locality = Locality.objects.filter(slug=slug).first()
        if locality is None:
            raise serializers.ValidationError(f"There is no locality '{slug}'.")
        return locality

    def to_representation(self, value: Locality) -> str:  # type: ignore[override]
        return value.slug
