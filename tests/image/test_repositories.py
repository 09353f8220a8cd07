"""The image enables no package repository its base did not have: EPEL (and CRB), which the
EL bases use for syslog-ng, are enabled for that one install only, so `dnf upgrade`,
`microdnf upgrade` and images built from ours see only the distribution's repositories."""

LIST_REPOSITORY_FILES = ("for f in /etc/yum.repos.d/*.repo /etc/apt/sources.list /etc/apt/sources.list.d/*; do "
                         '[ -f "$f" ] && printf "@@file %s\\n" "$f" && cat "$f"; done; true')


def enabled_repositories(containers, image):
    """Ids of enabled yum/dnf repositories (a section without enabled= is enabled) and
    apt's active source lines."""
    result = containers.run_once(["sh", "-c", LIST_REPOSITORY_FILES], image=image)
    assert result.exit_code == 0, result.stderr
    enabled, section, section_enabled, file_name = set(), None, True, ""

    def close_section():
        if section and section_enabled:
            enabled.add(section)

    for raw in result.stdout.splitlines():
        line = raw.strip()
        if line.startswith("@@file "):
            close_section()
            section, section_enabled, file_name = None, True, line[len("@@file "):]
        elif file_name.endswith(".repo"):
            if line.startswith("[") and line.endswith("]"):
                close_section()
                section, section_enabled = line[1:-1], True
            elif line.replace(" ", "").startswith("enabled="):
                section_enabled = line.split("=", 1)[1].strip() in ("1", "true", "True", "yes")
        elif line and not line.startswith("#"):
            enabled.add(file_name + ": " + line)
    close_section()
    return enabled


def test_image_enables_no_repository_its_base_did_not_have(containers, image, base_image):
    in_base = enabled_repositories(containers, base_image)
    in_image = enabled_repositories(containers, image)
    assert in_image - in_base == set()
    # The parse found the base's own repositories (an empty result proves nothing).
    assert in_base

