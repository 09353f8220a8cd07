"""image/lib/distro.sh: family detection, package names and install commands, run in bash
against fake os-release files (OS_RELEASE) and fake package managers on PATH. No Docker."""

import os
import shutil
import subprocess
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DISTRO_SH = os.path.join(ROOT, "image", "lib", "distro.sh")
BASH = shutil.which("bash") or "/bin/bash"

OS_RELEASES = {
    "centos-stream10": 'NAME="CentOS Stream"\nVERSION="10 (Coughlan)"\nID="centos"\n'
                       'ID_LIKE="rhel fedora"\nVERSION_ID="10"\n',
    "centos-stream9": 'NAME="CentOS Stream"\nID="centos"\nID_LIKE="rhel fedora"\nVERSION_ID="9"\n',
    "almalinux9": 'NAME="AlmaLinux"\nID="almalinux"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.5"\n',
    "rocky10": 'NAME="Rocky Linux"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="10.0"\n',
    "ubi9": 'NAME="Red Hat Enterprise Linux"\nID="rhel"\nID_LIKE="fedora"\nVERSION_ID="9.4"\n',
    "oracle9": 'NAME="Oracle Linux Server"\nID="ol"\nID_LIKE="fedora"\nVERSION_ID="9.4"\n',
    "debian12": 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\n'
                'VERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n',
    "ubuntu24": "NAME=\"Ubuntu\"\nVERSION_ID=\"24.04\"\nID=ubuntu\nID_LIKE=debian\n",
    "mint": "NAME=\"Linux Mint\"\nID=linuxmint\nID_LIKE=\"ubuntu debian\"\nVERSION_ID=\"22\"\n",
}
EL = ["centos-stream10", "centos-stream9", "almalinux9", "rocky10", "ubi9", "oracle9"]
DEBIAN = ["debian12", "ubuntu24", "mint"]

# Fake package managers: each logs its argv, one line per call, to $FAKE_LOG.
FAKE_TOOL = textwrap.dedent("""\
    #!/bin/sh
    echo "$(basename "$0") $*" >>"$FAKE_LOG"
    """)


@pytest.fixture
def sandbox(tmp_path):
    """Returns run(os_release_name, script, managers=()) -> CompletedProcess, running
    `source distro.sh; SCRIPT` in bash with only the named fake package managers on PATH."""

    def run(os_release, script, managers=()):
        release_file = tmp_path / "os-release"
        release_file.write_text(OS_RELEASES[os_release] if os_release in OS_RELEASES else os_release)
        bin_dir = tmp_path / "bin"
        shutil.rmtree(bin_dir, ignore_errors=True)
        bin_dir.mkdir()
        for manager in managers:
            tool = bin_dir / manager
            tool.write_text(FAKE_TOOL)
            tool.chmod(0o755)
        # The fake tools need dirname/basename; nothing else from the host is on PATH.
        for tool_name in ("basename", "cat"):
            os.symlink(shutil.which(tool_name), bin_dir / tool_name)
        env = {
            "PATH": str(bin_dir),
            "OS_RELEASE": str(release_file),
            "FAKE_LOG": str(tmp_path / "calls.log"),
            "APT_LISTS_DIR": str(tmp_path / "lists"),
            "YUM_REPOS_DIR": str(tmp_path / "yum.repos.d"),
        }
        (tmp_path / "calls.log").write_text("")
        return subprocess.run([BASH, "-c", 'set -eu; . "$1"; ' + script, "bash", DISTRO_SH],
                              env=env, capture_output=True, text=True, timeout=30)

    run.calls = lambda: (tmp_path / "calls.log").read_text().splitlines()
    run.tmp_path = tmp_path
    return run


@pytest.mark.parametrize("name", EL + DEBIAN)
def test_family_detection(sandbox, name):
    result = sandbox(name, 'echo "$DISTRO_FAMILY $DISTRO_MAJOR"')
    assert result.returncode == 0, result.stderr
    family = "el" if name in EL else "debian"
    major = {"centos-stream10": "10", "centos-stream9": "9", "almalinux9": "9", "rocky10": "10",
             "ubi9": "9", "oracle9": "9", "debian12": "12", "ubuntu24": "24", "mint": "22"}[name]
    assert result.stdout.split() == [family, major]


def test_unsupported_distribution_is_one_line_error_naming_the_file(sandbox):
    result = sandbox('ID=alpine\nVERSION_ID=3.20.1\n', "echo never")
    assert result.returncode != 0
    assert "never" not in result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "unsupported distribution 'alpine'" in lines[0] and "os-release" in lines[0]


def test_missing_os_release_names_the_file(sandbox, tmp_path):
    result = subprocess.run([BASH, "-c", '. "$1"', "bash", DISTRO_SH], capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "OS_RELEASE": str(tmp_path / "absent")})
    assert result.returncode != 0
    assert str(tmp_path / "absent") in result.stderr


def test_os_release_is_read_as_data_not_executed(sandbox):
    marker = sandbox.tmp_path / "executed"
    result = sandbox('ID=debian\nVERSION_ID="12"\ntouch %s\n$(touch %s)\n' % (marker, marker),
                     'echo "$DISTRO_FAMILY"')
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "debian"
    assert not marker.exists()


PACKAGE_NAMES = {
    # logical: (debian, el)
    "runit": ("runit", ""),
    "syslog-ng": ("syslog-ng-core", "syslog-ng"),
    "cron": ("cron", "cronie"),
    "logrotate": ("logrotate", "logrotate"),
    "sshd": ("openssh-server", "openssh-server"),
    "ps": ("procps", "procps-ng"),
    "locale-en": ("locales", "glibc-langpack-en"),
    "python-dev": ("python3-dev", "python3-devel"),
    "cc": ("gcc libc6-dev", "gcc glibc-devel"),
    # not in the table: the name is used as it is on both families
    "psmisc": ("psmisc", "psmisc"),
}


@pytest.mark.parametrize("logical", sorted(PACKAGE_NAMES))
@pytest.mark.parametrize("name", ["debian12", "centos-stream10"])
def test_pkg_name(sandbox, name, logical):
    result = sandbox(name, 'pkg_name "%s"' % logical)
    assert result.returncode == 0, result.stderr
    debian, el = PACKAGE_NAMES[logical]
    assert result.stdout.strip() == (debian if name == "debian12" else el)


@pytest.mark.parametrize("name, cron, sftp", [
    ("debian12", "/etc/pam.d/cron", "/usr/lib/openssh/sftp-server"),
    ("ubuntu24", "/etc/pam.d/cron", "/usr/lib/openssh/sftp-server"),
    ("centos-stream9", "/etc/pam.d/crond", "/usr/libexec/openssh/sftp-server"),
    ("rocky10", "/etc/pam.d/crond", "/usr/libexec/openssh/sftp-server"),
])
def test_pam_cron_file_and_sftp_server_path(sandbox, name, cron, sftp):
    result = sandbox(name, "pam_cron_file; sftp_server_path")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [cron, sftp]


def test_debian_install_refreshes_lists_once_then_installs_without_recommends(sandbox):
    result = sandbox("debian12", "pkg_install cron ps runit", managers=["apt-get"])
    assert result.returncode == 0, result.stderr
    assert sandbox.calls() == [
        "apt-get update -qq",
        "apt-get install -y -qq --no-install-recommends cron procps runit",
    ]


def test_debian_install_skips_refresh_when_lists_exist(sandbox):
    lists = sandbox.tmp_path / "lists"
    lists.mkdir()
    (lists / "deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages").write_text("")
    result = sandbox("debian12", "pkg_install logrotate", managers=["apt-get"])
    assert result.returncode == 0, result.stderr
    assert sandbox.calls() == ["apt-get install -y -qq --no-install-recommends logrotate"]


def test_el_install_without_weak_deps_and_without_epel_for_base_packages(sandbox):
    result = sandbox("centos-stream10", "pkg_install cron sshd locale-en", managers=["dnf"])
    assert result.returncode == 0, result.stderr
    assert sandbox.calls() == [
        "dnf -y install --setopt=install_weak_deps=False cronie openssh-server glibc-langpack-en"]


def test_el_runit_installs_nothing(sandbox):
    result = sandbox("almalinux9", "pkg_install runit", managers=["dnf"])
    assert result.returncode == 0, result.stderr
    assert sandbox.calls() == []


def test_el_syslog_ng_enables_epel_and_crb_first(sandbox):
    # The fake dnf does not create epel.repo, so enable_epel runs; /usr/bin/crb is checked
    # on the real filesystem, so CRB is enabled only where the host has it.
    result = sandbox("centos-stream9", "pkg_install syslog-ng logrotate", managers=["dnf"])
    assert result.returncode == 0, result.stderr
    calls = sandbox.calls()
    assert calls[0] == "dnf -y install epel-release"
    assert calls[-1] == "dnf -y install --setopt=install_weak_deps=False syslog-ng logrotate"


def test_enable_epel_does_nothing_when_epel_repo_exists(sandbox):
    repos = sandbox.tmp_path / "yum.repos.d"
    repos.mkdir()
    (repos / "epel.repo").write_text("[epel]\n")
    result = sandbox("rocky10", "enable_epel; pkg_install syslog-ng", managers=["dnf"])
    assert result.returncode == 0, result.stderr
    assert sandbox.calls() == ["dnf -y install --setopt=install_weak_deps=False syslog-ng"]


def test_enable_epel_is_a_no_op_on_debian(sandbox):
    result = sandbox("debian12", "enable_epel", managers=["apt-get", "dnf"])
    assert result.returncode == 0, result.stderr
    assert sandbox.calls() == []


def test_microdnf_when_dnf_is_absent(sandbox):
    result = sandbox("ubi9", "pkg_install ps", managers=["microdnf"])
    assert result.returncode == 0, result.stderr
    assert sandbox.calls() == ["microdnf -y install --setopt=install_weak_deps=0 procps-ng"]


def test_el_without_a_package_manager_fails_with_one_line(sandbox):
    result = sandbox("centos-stream10", "pkg_install ps")
    assert result.returncode != 0
    assert result.stderr.strip() == "distro.sh: neither dnf nor microdnf found"


def test_pkg_install_without_arguments_is_a_usage_error(sandbox):
    result = sandbox("debian12", "pkg_install", managers=["apt-get"])
    assert result.returncode != 0
    assert "usage: pkg_install" in result.stderr
    assert sandbox.calls() == []


@pytest.mark.parametrize("name, expected", [
    ("debian12", ["apt-get clean"]),
    ("centos-stream10", ["dnf clean all"]),
])
def test_pkg_clean(sandbox, name, expected):
    # rm is not on the sandbox PATH; give it a fake too so nothing on the host is removed.
    result = sandbox(name, "pkg_clean", managers=["apt-get", "dnf", "rm"])
    assert result.returncode == 0, result.stderr
    assert [call for call in sandbox.calls() if not call.startswith("rm ")] == expected
