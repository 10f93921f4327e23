// Every test starts worker processes and loads both cores: one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
