namespace PosBridge.Ecommerce.Stock;

internal static class StockPolicyValidation
{
    /// <summary>Adds every problem of <paramref name="policy"/> to <paramref name="failures"/>, named by its path.</summary>
    public static void Check(string path, StockPolicyOptions? policy, List<string> failures)
    {
        if (policy is null)
        {
            failures.Add($"{path} is required.");
            return;
        }

        if (policy.MaxSkusToZero < 0)
        {
            failures.Add($"{path}:MaxSkusToZero must not be negative; it is {policy.MaxSkusToZero}.");
        }

        if (policy.MaxDecreaseShare is <= 0m or > 1m)
        {
            failures.Add($"{path}:MaxDecreaseShare must be more than 0 and at most 1; it is {policy.MaxDecreaseShare}.");
        }

        var buffers = policy.SafetyBuffer ?? new SafetyBufferOptions();
        if (buffers.Store < 0m)
        {
            failures.Add($"{path}:SafetyBuffer:Store must not be negative; it is {buffers.Store}.");
        }

        foreach (var (category, buffer) in buffers.Categories.Where(c => c.Value < 0m))
        {
            failures.Add($"{path}:SafetyBuffer:Categories:{category} must not be negative; it is {buffer}.");
        }

        foreach (var (sku, buffer) in buffers.Skus.Where(s => s.Value < 0m))
        {
            failures.Add($"{path}:SafetyBuffer:Skus:{sku} must not be negative; it is {buffer}.");
        }
    }
}
