"""tools/bench_image.py names its derived images next to the image under test."""

import pytest

import bench_image


@pytest.mark.parametrize("image, variant, expected", [
    ("bi-i8c:1.0.0", "tini", "bi-i8c-bench-tini:1.0.0"),
    ("me/baseimage:2", "interpreted", "me/baseimage-bench-interpreted:2"),
    ("registry:5000/me/baseimage", "tini", "registry:5000/me/baseimage-bench-tini:latest"),
])
def test_derived_image_tags_sit_next_to_the_image(image, variant, expected):
    assert bench_image.derived_tag(image, variant) == expected
