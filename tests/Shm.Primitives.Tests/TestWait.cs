namespace Shm.Primitives.Tests;

/// <summary>Waiting on a condition with a deadline: the one way tests synchronise with other threads and processes.</summary>
public static class TestWait
{
    public static void Until(Func<bool> condition, string failure = "condition not reached in 30 s")
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            Thread.Sleep(1);
        }
    }
}
