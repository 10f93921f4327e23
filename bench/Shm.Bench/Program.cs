using System.Reflection;
using Shm.Bench.Harness;

// Shm.Bench <suite>... [--quick] [--json FILE]       run suites, print one table
// Shm.Bench --child ROLE args...                      internal: a cross-process participant
var types = Assembly.GetExecutingAssembly().GetTypes()
    .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IBenchSuite).IsAssignableFrom(t))
    .ToList();

if (args.Length >= 2 && args[0] == "--child")
{
    foreach (Type t in types)
    {
        if (Activator.CreateInstance(t) is IBenchChildRoles roles && roles.Handles(args[1]))
            return roles.RunChild(args[1], args[2..]);
    }
    Console.Error.WriteLine($"Unknown child role '{args[1]}'.");
    return 2;
}

var suites = types.Select(t => (IBenchSuite)Activator.CreateInstance(t)!).OrderBy(s => s.Name).ToList();
bool quick = args.Contains("--quick");
int jsonAt = Array.IndexOf(args, "--json");
string? jsonPath = jsonAt >= 0 && jsonAt + 1 < args.Length ? args[jsonAt + 1] : null;
var names = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (jsonAt < 0 || i != jsonAt + 1)).ToList();
if (names.Count == 0)
{
    Console.Error.WriteLine("usage: Shm.Bench <suite|all>... [--quick] [--json FILE]");
    Console.Error.WriteLine("suites: " + string.Join(", ", suites.Select(s => s.Name)));
    return 2;
}

var selected = names.Contains("all") ? suites : suites.Where(s => names.Contains(s.Name)).ToList();
var unknown = names.Where(n => n != "all" && suites.All(s => s.Name != n)).ToList();
if (unknown.Count > 0)
{
    Console.Error.WriteLine($"Unknown suite(s): {string.Join(", ", unknown)}. Known: {string.Join(", ", suites.Select(s => s.Name))}.");
    return 2;
}

var context = new BenchContext(quick);
var rows = new List<BenchRow>();
foreach (IBenchSuite suite in selected)
{
    context.Log($"== suite {suite.Name}{(quick ? " (quick)" : "")}");
    context.Log(CoreToCore.Describe());
    rows.AddRange(suite.Run(context));
    context.Log(CoreToCore.Describe());
}

ResultTable.Print(rows, Console.Out);
if (jsonPath is not null) ResultTable.WriteJson(rows, jsonPath);
return 0;
