using System.Security.Cryptography;
using System.Text;
using PosBridge.Terminal.Staff;
using PosBridge.Till.Sales;

namespace PosBridge.Terminal.Screen;

/// <summary>The outcome of a PIN check; <see cref="Manager"/> is who approved, for a manager PIN.</summary>
internal sealed record PinCheck(bool Ok, string? Error = null, StaffMember? Manager = null);

/// <summary>
/// Checks PINs: a manager's against the engine's <see cref="StaffStore"/> (salted hashes, the permission the
/// action needs), the screen's login PIN against its setting. Every PIN is refused for
/// <see cref="ScreenOptions.PinLockout"/> after <see cref="ScreenOptions.PinAttempts"/> wrong ones in a row, so
/// a PIN cannot be found by trying them all at the counter.
/// </summary>
internal sealed class Pins(ScreenOptions options, StaffStore staff, TimeProvider timeProvider)
{
    private readonly Lock _lock = new();
    private int _failures;
    private DateTimeOffset _lockedUntil = DateTimeOffset.MinValue;

    /// <summary>A manager who holds <paramref name="permission"/> and has <paramref name="pin"/>.</summary>
    public PinCheck Manager(string? pin, TillPermissions permission) => Check(pin, p => staff.Approve(p, permission));

    public PinCheck Login(string? pin) =>
        Check(pin, p => options.LoginPin is { Length: > 0 } login && Same(login, p) ? new StaffMember("login", "login", TillPermissions.None) : null);

    private PinCheck Check(string? pin, Func<string, StaffMember?> find)
    {
        lock (_lock)
        {
            var now = timeProvider.GetUtcNow();
            if (now < _lockedUntil)
            {
                return new PinCheck(false, "pin-locked");
            }

            var who = string.IsNullOrEmpty(pin) || pin.Length > 12 ? null : find(pin);
            if (who is null)
            {
                if (++_failures >= options.PinAttempts)
                {
                    _failures = 0;
                    _lockedUntil = now + options.PinLockout;
                }

                return new PinCheck(false, "pin-wrong");
            }

            _failures = 0;
            return new PinCheck(true, Manager: who);
        }
    }

    private static bool Same(string expected, string given) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(expected)), SHA256.HashData(Encoding.UTF8.GetBytes(given)));
}
