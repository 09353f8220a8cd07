"""The dist made by build/build.sh: both programs, self-contained, runs without Python."""

import os
import shutil
import subprocess

from paths import ROOT

ELF_MAGIC = b"\x7fELF"


def test_dist_holds_both_programs_sharing_one_binary(dist):
    my_init = os.path.join(dist, "my_init")
    setuser = os.path.join(dist, "setuser")
    with open(my_init, "rb") as stream:
        assert stream.read(4) == ELF_MAGIC
    assert os.access(my_init, os.X_OK)
    assert os.path.islink(setuser) and os.readlink(setuser) == "my_init"


def test_dist_is_one_static_program(dist):
    """`make init` builds one static executable: no ELF interpreter, no NEEDED entry, no
    dynamic section, and no other file beside it but the setuser link."""
    my_init = os.path.join(dist, "my_init")
    headers = subprocess.run(["readelf", "-l", my_init], capture_output=True, text=True, check=True).stdout
    assert "INTERP" not in headers and "Requesting program interpreter" not in headers
    private = subprocess.run(["objdump", "-p", my_init], capture_output=True, text=True, check=True).stdout
    assert "NEEDED" not in private
    assert "There is no dynamic section" in subprocess.run(["readelf", "-d", my_init], capture_output=True,
                                                          text=True, check=True).stdout
    assert sorted(os.listdir(dist)) == ["my_init", "setuser"]


def test_without_proc_it_says_so_in_one_line(dist, root_user, tmp_path):
    """In a root that has no /proc the program cannot find its own file: one line and exit
    71 (build/nuitka-proc-self-exe.patch), not an abort. The root holds only the program."""
    root = tmp_path / "root"
    (root / "sbin").mkdir(parents=True)
    shutil.copy(os.path.join(dist, "my_init"), root / "sbin" / "my_init")
    result = subprocess.run(["chroot", str(root), "/sbin/my_init", "--version"], capture_output=True, text=True,
                            timeout=30, check=False)
    assert result.returncode == 71, result
    assert result.stderr == ("cannot read /proc/self/exe (No such file or directory): this program needs /proc "
                             "mounted\n")


def test_dist_has_no_python_library_outside_it(dist):
    result = subprocess.run(["ldd", os.path.join(dist, "my_init")], capture_output=True, text=True, check=False)
    libraries = result.stdout
    # A static program has no libraries (ldd says so and exits 1); any other failure fails.
    assert result.returncode == 0 or "not a dynamic executable" in result.stdout + result.stderr, result
    assert "not found" not in libraries
    for line in libraries.splitlines():
        if "libpython" in line:
            assert os.path.realpath(line.split("=>")[1].split()[0]).startswith(dist + os.sep), line


def test_every_elf_of_the_dist_is_self_contained(dist, check_dist):
    assert check_dist.check_libraries(dist) >= 1


def test_both_programs_run_with_python_hidden(dist, check_dist, root_user):
    hidden = check_dist.check_runs(dist)
    # as root on this machine the build Python's library directories really were hidden
    assert hidden, "the build Python could not be hidden (unshare/mount failed)"


def test_no_python_module_files_in_the_dist(dist):
    for name in os.listdir(dist):
        assert not name.endswith((".py", ".pyc")), name


def test_version_matches_the_source(dist):
    result = subprocess.run([os.path.join(dist, "my_init"), "--version"],
                            capture_output=True, text=True, check=True)
    init_file = os.path.join(ROOT, "init", "my_init", "__init__.py")
    with open(init_file) as stream:
        version = next(line.split('"')[1] for line in stream if line.startswith("__version__"))
    assert version in result.stdout


def test_setuser_switches_user(dist, root_user):
    result = subprocess.run([os.path.join(dist, "setuser"), "nobody", "id", "-u"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(__import__("pwd").getpwnam("nobody").pw_uid)


def test_main_command_with_dash_c_runs_and_passes_its_exit_code(dist, bench, root_user):
    # Nuitka's deployment mode would refuse a "-c" argument (self-execution guard)
    variant = bench.init_variants(dist, "python3")["compiled"]
    with bench.Sandbox(variant, main=["sh", "-c", "exit 3"]) as run:
        assert run.process.wait(timeout=60) == 3


def test_runs_under_a_locale_whose_codec_is_not_in_the_dist(dist, tmp_path):
    # The dist runs in UTF-8 mode (build.sh) and carries the UTF-8 codec only; a
    # Latin-1 locale must neither stop it nor change the bytes it passes on.
    locales = tmp_path / "locales"
    locales.mkdir()
    subprocess.run(["localedef", "-i", "en_US", "-f", "ISO-8859-1", str(locales / "en_US.ISO-8859-1")],
                   check=True)
    env = dict(os.environ, LOCPATH=str(locales), LC_ALL="en_US.ISO-8859-1")
    python_encoding = subprocess.run(["python3", "-S", "-I", "-c", "import sys; print(sys.getfilesystemencoding())"],
                                     env=env, capture_output=True, text=True, check=True).stdout
    assert python_encoding.strip() == "iso8859-1"  # the locale really names another codec
    version = subprocess.run([os.path.join(dist, "my_init"), "--version"], env=env,
                             capture_output=True, check=False)
    assert version.returncode == 0 and version.stdout.startswith(b"my_init "), version.stderr
    latin1_word = b"caf\xe9"
    echoed = subprocess.run([os.path.join(dist, "setuser"), "root", "printf", "%s", latin1_word],
                            env=env, capture_output=True, check=False)
    assert echoed.returncode == 0, echoed.stderr
    assert echoed.stdout == latin1_word
