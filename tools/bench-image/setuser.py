#!/usr/bin/python3 -S
# /sbin/setuser of the bench's "interpreted" variant: setuser from its sources, no site.
import sys

sys.path.insert(0, "/usr/lib/my_init-source")
from setuser.main import main

sys.exit(main())
