using System.Globalization;
using Shm.Chaos;

// The crash and corruption campaign over every primitive (issue 7), and its workers.
//   Shm.Chaos [--kills N] [--random-kills N] [--mutations N] [--truncations N] [--quick] [--json FILE] [--only PREFIX] [--seed N]
//   Shm.Chaos worker ROLE ...     a worker process (victim, user, mutator, waiter); started by the campaign
if (args.Length > 0 && args[0] == "worker")
    return Workers.Run(args[1..]);

var options = CampaignOptions.Parse(args);
return Campaign.Run(options, Console.WriteLine);
