import sys

from setuser.main import main

sys.exit(main())
