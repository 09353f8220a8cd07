from my_init.leave import exit_now
from my_init.main import main

exit_now(main())
