from openprecinct.cli.main import main

raise SystemExit(main())
