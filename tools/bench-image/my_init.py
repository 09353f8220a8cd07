#!/usr/bin/python3 -S
# /sbin/my_init of the bench's "interpreted" variant: my_init from its sources, no site.
import sys

sys.path.insert(0, "/usr/lib/my_init-source")
from my_init.main import main

sys.exit(main())
