import sys

from my_init.main import main

sys.exit(main())
