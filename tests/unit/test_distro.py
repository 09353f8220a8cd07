"""image/lib/distro.sh: family detection, package names and install commands, run in bash
against fake os-release files (OS_RELEASE) and fake package managers on PATH. No Docker."""

import os
import shutil
import subprocess
import textwrap

import pytest

from paths import ROOT

DISTRO_SH = os.path.join(ROOT, "image", "lib", "distro.sh")
BASH = shutil.which("bash") or "/bin/bash"

OS_RELEASES = {
    "centos-stream10": 'NAME="CentOS Stream"\nVERSION="10 (Coughlan)"\nID="centos"\n'
                       'ID_LIKE="rhel fedora"\nVERSION_ID="10"\n',
    "centos-stream9": 'NAME="CentOS Stream"\nID="centos"\nID_LIKE="rhel fedora"\nVERSION_ID="9"\n',
    "almalinux9": 'NAME="AlmaLinux"\nID="almalinux"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.5"\n',
    "rocky10": 'NAME="Rocky Linux"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="10.0"\n',
    "ubi9": 'NAME="Red Hat Enterprise Linux"\nID="rhel"\nID_LIKE="fedora"\nVERSION_ID="9.4"\n',
    "ubi10": 'NAME="Red Hat Enterprise Linux"\nID="rhel"\nID_LIKE="centos fedora"\nVERSION_ID="10.0"\n',
    "almalinux10": 'NAME="AlmaLinux"\nID="almalinux"\nID_LIKE="rhel centos fedora"\nVERSION_ID="10.0"\n',
    "rocky9": 'NAME="Rocky Linux"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.6"\n',
    "oracle9": 'NAME="Oracle Linux Server"\nID="ol"\nID_LIKE="fedora"\nVERSION_ID="9.4"\n',
    "debian12": 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\n'
                'VERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n',
    "ubuntu24": "NAME=\"Ubuntu\"\nVERSION_ID=\"24.04\"\nID=ubuntu\nID_LIKE=debian\n",
    "mint": "NAME=\"Linux Mint\"\nID=linuxmint\nID_LIKE=\"ubuntu debian\"\nVERSION_ID=\"22\"\n",
}
EL = ["centos-stream10", "centos-stream9", "almalinux9", "almalinux10", "rocky9", "rocky10", "ubi9", "ubi10",
      "oracle9"]
DEBIAN = ["debian12", "ubuntu24", "mint"]

# Fake package managers and tools: each logs its argv, one line per call, to $FAKE_LOG, then
# runs its extra shell lines (a test's emulation of the real tool, e.g. epel-release's
# files); a call whose argv contains $FAKE_FAIL fails.
FAKE_TOOL = textwrap.dedent("""\
    #!/bin/sh
    echo "$(basename "$0") $*" >>"$FAKE_LOG"
    case " $* " in *" $FAKE_FAIL "*) exit 1 ;; esac
    """)

# What installing epel-release leaves behind: its repository files (enabled) and its key.
EPEL_RELEASE_FILES = ('mkdir -p "$YUM_REPOS_DIR" "$RPM_GPG_DIR"; '
                      'printf "[epel]\\nname=EPEL\\nenabled=1\\ngpgcheck=1\\n" >"$YUM_REPOS_DIR/epel.repo"; '
                      'printf "[epel-testing]\\nenabled = 0\\n" >"$YUM_REPOS_DIR/epel-testing.repo"; '
                      ': >"$RPM_GPG_DIR/RPM-GPG-KEY-EPEL-$DISTRO_MAJOR"')


@pytest.fixture
def sandbox(tmp_path):
    """Returns run(os_release_name, script, managers=()) -> CompletedProcess, running
    `source distro.sh; SCRIPT` in bash with only the named fake package managers on PATH."""

    def run(os_release, script, managers=(), fail=""):
        """managers: names of fake tools, or {name: extra shell lines run after logging};
        fail: a word that makes any fake tool called with it fail."""
        release_file = tmp_path / "os-release"
        release_file.write_text(OS_RELEASES[os_release] if os_release in OS_RELEASES else os_release)
        bin_dir = tmp_path / "bin"
        shutil.rmtree(bin_dir, ignore_errors=True)
        bin_dir.mkdir()
        fakes = managers if isinstance(managers, dict) else dict.fromkeys(managers, "")
        for manager, extra in fakes.items():
            tool = bin_dir / manager
            tool.write_text(FAKE_TOOL + extra + "\n")
            tool.chmod(0o755)
        # The fake tools need basename, and the EPEL download a temporary directory (under
        # this test's TMPDIR); nothing else from the host is on PATH, so the host's own
        # rpm, crb, dnf or curl can never be called.
        for tool_name in ("basename", "cat", "mkdir", "mktemp", "rm"):
            if tool_name not in fakes:
                os.symlink(shutil.which(tool_name), bin_dir / tool_name)
        env = {
            "PATH": str(bin_dir),
            "OS_RELEASE": str(release_file),
            "FAKE_LOG": str(tmp_path / "calls.log"),
            "FAKE_FAIL": fail or "\x01never",
            "TMPDIR": str(tmp_path),
            "APT_LISTS_DIR": str(tmp_path / "lists"),
            "YUM_REPOS_DIR": str(tmp_path / "yum.repos.d"),
            "RPM_GPG_DIR": str(tmp_path / "rpm-gpg"),
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
    major = {"centos-stream10": "10", "centos-stream9": "9", "almalinux9": "9", "almalinux10": "10",
             "rocky9": "9", "rocky10": "10", "ubi9": "9", "ubi10": "10", "oracle9": "9", "debian12": "12",
             "ubuntu24": "24", "mint": "22"}[name]
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


@pytest.mark.parametrize("name", DEBIAN)
def test_debian_ssh_client_programs_keep_ssh_keygen_and_scp(sandbox, name):
    # (That the list is all of openssh-client's programs but those two, the image test
    # checks against the installed package: tests/image/test_services.py.)
    result = sandbox(name, "ssh_client_programs")
    assert result.returncode == 0, result.stderr
    programs = result.stdout.split()
    assert "/usr/bin/ssh" in programs and "/usr/lib/openssh/ssh-keysign" in programs
    assert all(path.startswith(("/usr/bin/", "/usr/lib/openssh/")) for path in programs)
    assert not {"/usr/bin/ssh-keygen", "/usr/bin/scp", "/usr/lib/openssh/sftp-server"} & set(programs)


@pytest.mark.parametrize("name", EL)
def test_el_removes_no_ssh_program(sandbox, name):
    # openssh-server does not require openssh-clients there, and the image installs
    # without weak dependencies: the client programs are never installed.
    result = sandbox(name, "ssh_client_programs; pkg_name sshd")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["openssh-server"]


def test_debian_install_refreshes_lists_once_then_installs_without_recommends(sandbox):
    result = sandbox("debian12", "pkg_install cron ps logrotate", managers=["apt-get"])
    assert result.returncode == 0, result.stderr
    assert sandbox.calls() == [
        "apt-get update -qq",
        "apt-get install -y -qq --no-install-recommends cron procps logrotate",
    ]


def test_debian_install_skips_refresh_when_lists_exist(sandbox):
    lists = sandbox.tmp_path / "lists"
    lists.mkdir()
    (lists / "deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages").write_text("")
    result = sandbox("debian12", "pkg_install logrotate", managers=["apt-get"])
    assert result.returncode == 0, result.stderr
    assert sandbox.calls() == ["apt-get install -y -qq --no-install-recommends logrotate"]


EL_INSTALL = "-y install --setopt=install_weak_deps=0 --setopt=tsflags=nodocs"


@pytest.mark.parametrize("manager", ["dnf", "microdnf"])
def test_el_install_without_docs_weak_deps_or_epel_for_base_packages(sandbox, manager):
    result = sandbox("centos-stream10", "pkg_install cron sshd locale-en", managers=[manager])
    assert result.returncode == 0, result.stderr
    assert sandbox.calls() == ["%s %s cronie openssh-server glibc-langpack-en" % (manager, EL_INSTALL)]


def write_repo(sandbox, name, text):
    repos = sandbox.tmp_path / "yum.repos.d"
    repos.mkdir(exist_ok=True)
    (repos / name).write_text(text)


@pytest.mark.parametrize("name, manager", [
    ("centos-stream9", "dnf"), ("centos-stream10", "dnf"),
    ("almalinux9", "microdnf"), ("almalinux10", "microdnf"), ("rocky9", "microdnf"), ("rocky10", "microdnf"),
])
def test_epel_package_installs_epel_release_from_the_repositories_then_enables_epel_and_crb_once(
        sandbox, name, manager):
    write_repo(sandbox, "distro.repo", "[baseos]\nenabled=1\n\n[crb]\nname=CRB\nenabled=0\n")
    result = sandbox(name, "pkg_install syslog-ng logrotate",
                     managers={manager: 'case "$*" in *epel-release*) %s ;; esac' % EPEL_RELEASE_FILES,
                               "rpm": ""})
    assert result.returncode == 0, result.stderr
    major = "10" if name.endswith("10") else "9"
    assert sandbox.calls() == [
        "%s %s epel-release" % (manager, EL_INSTALL),
        "rpm --import %s/rpm-gpg/RPM-GPG-KEY-EPEL-%s" % (sandbox.tmp_path, major),
        "%s %s --enablerepo=epel --enablerepo=crb syslog-ng logrotate" % (manager, EL_INSTALL),
    ]


@pytest.mark.parametrize("name, crb", [("ubi9", "ubi-9-codeready-builder-rpms"),
                                       ("ubi10", "ubi-10-codeready-builder-rpms")])
def test_ubi_minimal_gets_epel_release_with_rpm_after_checking_its_signature(sandbox, name, crb):
    # microdnf cannot install a file or URL, and UBI's repositories do not carry epel-release.
    write_repo(sandbox, "ubi.repo", "[ubi-%s-baseos-rpms]\nenabled = 1\n\n[%s]\nenabled = 1\n" % (name[3:], crb))
    result = sandbox(name, "pkg_install syslog-ng",
                     managers={"microdnf": "", "curl": "",
                               "rpm": 'case "$1" in -i) %s ;; esac' % EPEL_RELEASE_FILES})
    assert result.returncode == 0, result.stderr
    calls = sandbox.calls()
    major = name[3:]
    base = "https://dl.fedoraproject.org/pub/epel"
    assert [call.split()[0] for call in calls] == ["curl", "rpm", "curl", "rpm", "rpm", "rpm", "microdnf"]
    assert calls[0].startswith("curl -fsSL --retry 3 -o ") and calls[0].endswith(
        " %s/RPM-GPG-KEY-EPEL-%s" % (base, major))
    key_file = calls[0].split()[5]
    assert calls[1] == "rpm --import " + key_file
    assert calls[2].endswith(" %s/epel-release-latest-%s.noarch.rpm" % (base, major))
    rpm_file = calls[2].split()[5]
    assert calls[3:5] == ["rpm -K " + rpm_file, "rpm -i " + rpm_file]
    assert calls[5] == "rpm --import %s/rpm-gpg/RPM-GPG-KEY-EPEL-%s" % (sandbox.tmp_path, major)
    assert calls[6] == "microdnf %s --enablerepo=epel --enablerepo=%s syslog-ng" % (EL_INSTALL, crb)
    assert "microdnf -y install epel-release" not in calls
    # The download directory is gone.
    assert not list(sandbox.tmp_path.glob("tmp.*"))


def test_a_bad_epel_release_signature_stops_before_installing_it(sandbox):
    write_repo(sandbox, "ubi.repo", "[ubi-9-codeready-builder-rpms]\n")
    result = sandbox("ubi9", "pkg_install syslog-ng", managers=["microdnf", "curl", "rpm"], fail="-K")
    assert result.returncode != 0
    assert "signature check failed (rpm -K)" in result.stderr
    assert "epel-release-latest-9.noarch.rpm" in result.stderr
    assert not [call for call in sandbox.calls() if call.startswith(("rpm -i", "microdnf"))]


def test_epel_release_falls_back_to_the_fedora_package_when_the_repositories_lack_it(sandbox):
    write_repo(sandbox, "almalinux.repo", "[crb]\n")
    result = sandbox("almalinux10", "pkg_install syslog-ng",
                     managers={"microdnf": "", "curl": "", "rpm": 'case "$1" in -i) %s ;; esac' % EPEL_RELEASE_FILES},
                     fail="epel-release")
    assert result.returncode == 0, result.stderr
    calls = sandbox.calls()
    assert calls[0].startswith("microdnf -y install") and calls[0].endswith(" epel-release")
    assert [call.split()[:2] for call in calls[1:6]] == [
        ["curl", "-fsSL"], ["rpm", "--import"], ["curl", "-fsSL"], ["rpm", "-K"], ["rpm", "-i"]]
    assert calls[-1] == "microdnf %s --enablerepo=epel --enablerepo=crb syslog-ng" % EL_INSTALL


def test_epel_repositories_are_left_disabled(sandbox):
    write_repo(sandbox, "centos.repo", "[crb]\nenabled=0\n")
    result = sandbox("centos-stream9", "pkg_install syslog-ng",
                     managers={"dnf": 'case "$*" in *epel-release*) %s ;; esac' % EPEL_RELEASE_FILES, "rpm": ""})
    assert result.returncode == 0, result.stderr
    repos = sandbox.tmp_path / "yum.repos.d"
    assert (repos / "epel.repo").read_text() == "[epel]\nname=EPEL\nenabled=0\ngpgcheck=1\n"
    assert (repos / "epel-testing.repo").read_text() == "[epel-testing]\nenabled=0\n"
    # CRB is enabled for the transaction only: its repository file is untouched.
    assert (repos / "centos.repo").read_text() == "[crb]\nenabled=0\n"


@pytest.mark.parametrize("name, files, expected", [
    ("rocky10", {"rocky.repo": "[baseos]\n[crb]  \n"}, "crb"),
    ("ubi9", {"ubi.repo": "[ubi-9-codeready-builder-rpms]\n"}, "ubi-9-codeready-builder-rpms"),
    ("ubi10", {"ubi.repo": "[ubi-10-baseos-rpms]\n[ubi-10-codeready-builder-rpms]\n"},
     "ubi-10-codeready-builder-rpms"),
    ("ubi9", {"redhat.repo": "[codeready-builder-for-rhel-9-x86_64-rpms]\n"},
     "codeready-builder-for-rhel-9-x86_64-rpms"),
])
def test_crb_repo_id_is_read_from_the_repository_files(sandbox, name, files, expected):
    for file_name, text in files.items():
        write_repo(sandbox, file_name, text)
    result = sandbox(name, "HOSTTYPE=x86_64; crb_repo")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


@pytest.mark.parametrize("name, looked_for", [
    ("ubi9", "ubi-9-codeready-builder-rpms codeready-builder-for-rhel-9-x86_64-rpms"),
    ("almalinux9", "crb"),
])
def test_missing_crb_repository_fails_before_installing_anything_from_epel(sandbox, name, looked_for):
    # e.g. a UBI image whose ubi.repo names it differently: a clear error, not microdnf's
    # "unknown repo" in the middle of the build.
    write_repo(sandbox, "other.repo", "[powertools]\n[crb-debug]\n")
    result = sandbox(name, "HOSTTYPE=x86_64; pkg_install syslog-ng",
                     managers={"microdnf": "", "curl": "", "rpm": 'case "$1" in -i) %s ;; esac' % EPEL_RELEASE_FILES})
    assert result.returncode != 0
    assert "no CodeReady Builder repository (%s)" % looked_for in result.stderr
    assert "yum.repos.d" in result.stderr
    assert not [call for call in sandbox.calls() if "syslog-ng" in call]


def test_enable_epel_on_an_image_that_has_it_only_imports_the_key_and_disables_it(sandbox):
    write_repo(sandbox, "epel.repo", "[epel]\nenabled=1\n")
    write_repo(sandbox, "rocky.repo", "[crb]\n")
    result = sandbox("rocky10", "enable_epel; pkg_install syslog-ng", managers=["dnf", "rpm"])
    assert result.returncode == 0, result.stderr
    key = "%s/rpm-gpg/RPM-GPG-KEY-EPEL-10" % sandbox.tmp_path
    assert sandbox.calls() == ["rpm --import " + key, "rpm --import " + key,
                               "dnf %s --enablerepo=epel --enablerepo=crb syslog-ng" % EL_INSTALL]
    assert (sandbox.tmp_path / "yum.repos.d" / "epel.repo").read_text() == "[epel]\nenabled=0\n"


def test_enable_epel_is_a_no_op_on_debian(sandbox):
    result = sandbox("debian12", "enable_epel", managers=["apt-get", "dnf", "rpm"])
    assert result.returncode == 0, result.stderr
    assert sandbox.calls() == []


@pytest.mark.parametrize("name, expected", [("ubi9", "curl-minimal"), ("almalinux9", "curl-minimal"),
                                            ("ubi10", "curl"), ("rocky10", "curl"), ("debian12", "curl")])
def test_curl_package_name(sandbox, name, expected):
    # EL9's minimal images carry libcurl-minimal, which the full curl conflicts with;
    # EL10 dropped curl-minimal.
    result = sandbox(name, "pkg_name curl")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


def test_microdnf_when_dnf_is_absent(sandbox):
    result = sandbox("ubi9", "pkg_install ps", managers=["microdnf"])
    assert result.returncode == 0, result.stderr
    assert sandbox.calls() == ["microdnf %s procps-ng" % EL_INSTALL]


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
