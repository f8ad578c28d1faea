using System.Security.Cryptography;
using System.Text;

namespace PosBridge.Terminal.Screen;

/// <summary>The outcome of a PIN check; <see cref="Manager"/> is who approved, for a manager PIN.</summary>
internal sealed record PinCheck(bool Ok, string? Error = null, ManagerOptions? Manager = null);

/// <summary>
/// Checks manager and login PINs in constant time, and refuses every PIN for a while after too many
/// wrong ones in a row, so a PIN cannot be found by trying them all at the counter.
/// </summary>
internal sealed class Pins(ScreenOptions options, TimeProvider timeProvider)
{
    private readonly Lock _lock = new();
    private int _failures;
    private DateTimeOffset _lockedUntil = DateTimeOffset.MinValue;

    public PinCheck Manager(string? pin) => Check(pin, p => options.Managers.FirstOrDefault(m => Same(m.Pin, p)), "pin-wrong");

    public PinCheck Login(string? pin) =>
        Check(pin, p => options.LoginPin is { Length: > 0 } login && Same(login, p) ? new ManagerOptions { Id = "login" } : null, "pin-wrong");

    private PinCheck Check(string? pin, Func<string, ManagerOptions?> find, string wrong)
    {
        lock (_lock)
        {
            var now = timeProvider.GetUtcNow();
            if (now < _lockedUntil)
            {
                return new PinCheck(false, "pin-locked");
            }

            var who = string.IsNullOrEmpty(pin) ? null : find(pin);
            if (who is null)
            {
                if (++_failures >= options.PinAttempts)
                {
                    _failures = 0;
                    _lockedUntil = now + options.PinLockout;
                }

                return new PinCheck(false, wrong);
            }

            _failures = 0;
            return new PinCheck(true, Manager: who);
        }
    }

    private static bool Same(string expected, string given) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(expected)), SHA256.HashData(Encoding.UTF8.GetBytes(given)));
}
