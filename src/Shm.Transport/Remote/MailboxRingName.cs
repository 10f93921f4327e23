using System.Security.Cryptography;
using System.Text;

namespace Shm.Transport.Remote;

/// <summary>
/// The segment name of the ring behind an actor's shm mailbox: <c>{system}.{node}.mbox~user~jobs</c> for
/// <c>/user/jobs</c> on that node. It depends on the path only (no uid, no incarnation), so the actor created again at
/// that path, in a restarted process, finds the same ring. Long paths are shortened to a hash.
/// </summary>
internal static class MailboxRingName
{
    private const int MaxNameLength = 200;

    public static string For(string system, string node, string pathWithoutAddress)
    {
        string name = $"{system}.{node}.mbox{pathWithoutAddress.Replace('/', '~')}";
        if (name.Length <= MaxNameLength && !name.Contains("..", StringComparison.Ordinal))
            return name;
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(pathWithoutAddress));
        return $"{system}.{node}.mbox~{Convert.ToHexString(hash, 0, 16)}";
    }
}
