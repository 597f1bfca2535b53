import sys

from tools.kafka.broker import main

sys.exit(main())
