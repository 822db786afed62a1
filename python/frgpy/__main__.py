"""/usr/bin/python3 -m frgpy FILE.h5 [...]: print what each frg file holds (kind, attributes, datasets)."""
import signal
import sys

from . import FrgFileError, open


def main(argv=None):
    paths = sys.argv[1:] if argv is None else argv
    if not paths or paths[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if paths else 2
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # frgpy FILE | head: end quietly
    status = 0
    for path in paths:
        try:
            print(open(path).describe())
        except (FrgFileError, FileNotFoundError) as error:
            print(f"frgpy: {error}", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
