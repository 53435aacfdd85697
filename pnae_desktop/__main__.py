import sys

from pnae_desktop.cli.main import main

sys.exit(main())
