"""Names with bytes that are not UTF-8 are logged with those bytes escaped (\\xe9), not
as Python's surrogates (\\udce9)."""

import os


def test_startup_script_name_shows_its_bytes(init):
    directory = bytes(init.etc / "my_init.d")
    path = os.path.join(directory, b"30-caf\xe9")
    with open(path, "wb") as file:
        file.write(b"#!/bin/sh\nexit 3\n")
    os.chmod(path, 0o755)
    assert init.run(command=["true"]) == 1
    assert "*** Running /etc/my_init.d/30-caf\\xe9...\n" in init.stderr
    assert "*** /etc/my_init.d/30-caf\\xe9 failed with status 3\n" in init.stderr
    assert "udce9" not in init.stderr


def test_main_command_arguments_show_their_bytes(init):
    assert init.run(args=["--skip-runit"], command=["sh", "-c", "exit 3", b"caf\xe9", "d\u00e9j\u00e0"]) == 3
    # Valid UTF-8 is shown as it is; only the undecodable byte is escaped.
    assert "*** sh -c exit 3 caf\\xe9 d\u00e9j\u00e0 exited with exit code 3.\n" in init.stderr
