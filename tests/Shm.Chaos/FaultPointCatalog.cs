using System.Reflection;
using Shm.Primitives.Diagnostics;

namespace Shm.Chaos;

/// <summary>One registered fault point: its name, the primitive (from the name's first part) and the operation.</summary>
public sealed record FaultPointInfo(string Name, string Primitive, string Operation, string Step);

/// <summary>
/// Every fault point the code registers, read from the one registry (FaultPoints): the All list and, so a point
/// that was declared but left out of the list is not missed, every string constant of the class. Names read
/// primitive.operation.step (STYLE.md); the primitive decides the scenario, the operation the victim's workload.
/// </summary>
public static class FaultPointCatalog
{
    public static IReadOnlyList<FaultPointInfo> All()
    {
        var names = new SortedSet<string>(FaultPoints.All, StringComparer.Ordinal);
        foreach (FieldInfo field in typeof(FaultPoints).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            if (field.IsLiteral && field.FieldType == typeof(string) && field.GetRawConstantValue() is string name)
                names.Add(name);
        }
        return names.Select(Describe).ToList();
    }

    public static FaultPointInfo Describe(string name)
    {
        string[] parts = name.Split('.');
        return new FaultPointInfo(name, parts[0], parts.Length > 1 ? parts[1] : "", parts.Length > 2 ? parts[2] : "");
    }

    /// <summary>Points the registry accepts at runtime (FaultPoint rejects names outside FaultPoints.All).</summary>
    public static bool IsArmable(string name) => FaultPoints.All.Contains(name);
}
