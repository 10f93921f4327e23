namespace Shm.Chaos;

/// <summary>The worker roles of `Shm.Chaos worker ROLE ...`.</summary>
public static class Workers
{
    public static int Run(string[] args) => args[0] switch
    {
        "victim" => VictimWorker.Run(args[1..]),
        "user" => CorruptionUserWorker.Run(args[1..]),
        "mutator" => MutatorWorker.Run(args[1..]),
        "waiter" => TruncationWaiterWorker.Run(args[1..]),
        _ => Unknown(args[0]),
    };

    private static int Unknown(string role)
    {
        Console.Error.WriteLine($"unknown worker role '{role}'");
        return 2;
    }
}
