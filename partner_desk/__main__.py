import sys

from partner_desk.cli import main

sys.exit(main())
