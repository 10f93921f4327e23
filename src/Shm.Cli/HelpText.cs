namespace Shm.Cli;

/// <summary>What <c>shm --help</c> prints.</summary>
internal static class HelpText
{
    public const string Usage = """
        shm - inspect Shm shared-memory segments and actor systems

        Usage: shm <command> [arguments] [options]

        Commands:
          ls [dir]                 every Shm segment in dir: kind, element type, capacity, fill, creator (alive or dead),
                                   processes that map it, size
          stat <segment>           the validated header and live statistics of one segment (fill, arena use, subscriber
                                   lags, response-slot states, lock owner, recoveries, processes its records name)
          watch <segment|dir>      live rates of the counters, refreshed in place on a terminal, one line per segment and
                                   refresh when redirected
          nodes <system>           an actor system's node directory: nodes, pids, incarnations, state, inbox fill
          rm <segment>             remove a segment (refused while a live process uses it, unless --force)
          gc [dir]                 remove the segments whose every user is dead; never one a live process maps

        A <segment> is a bare name (looked up in --dir) or a path. dir defaults to --dir.

        Options:
          --json                   machine-readable output (watch: one JSON object per line)
          --dir <dir>              where bare names resolve and ls/gc/nodes look (default /dev/shm)
          --interval <time>        watch: refresh period, e.g. 500ms or 2s (default 1s)
          --count <n>              watch: stop after n refreshes (default: until Ctrl+C)
          --force, -f              rm: remove a segment even while live processes use it
          --dry-run, -n            gc: only list what would be removed
          --all, -a                ls: also list files that are not Shm segments
          --help, -h               this text

        Exit codes: 0 ok, 1 I/O error, 2 bad usage, 3 not found, 4 not a segment or corrupt, 5 permission denied,
        6 in use (rm without --force).
        """;
}
