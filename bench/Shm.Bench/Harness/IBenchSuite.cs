namespace Shm.Bench.Harness;

/// <summary>
/// A named group of measurements. Suites are discovered by reflection: a new suite is a new
/// class implementing this interface with a public parameterless constructor.
/// </summary>
public interface IBenchSuite
{
    /// <summary>The name given on the command line (<c>queue</c>, <c>actors</c>, ...).</summary>
    string Name { get; }

    /// <summary>Runs every measurement of the suite and returns its rows.</summary>
    IEnumerable<BenchRow> Run(BenchContext context);
}

/// <summary>
/// A suite that also runs as a child process of itself (cross-process measurements). When the
/// program is started as <c>Shm.Bench --child ROLE args...</c> the suite whose <see cref="Handles"/>
/// accepts ROLE runs it and the process exits with its return code.
/// </summary>
public interface IBenchChildRoles
{
    bool Handles(string role);

    int RunChild(string role, string[] args);
}
