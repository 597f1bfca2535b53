import sys

from tools.keycloak.server import main

sys.exit(main())
