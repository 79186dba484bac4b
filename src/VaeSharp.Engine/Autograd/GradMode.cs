namespace VaeSharp.Engine.Autograd;

/// <summary>
/// Switches gradient recording off for a region: <c>using (GradMode.NoGrad()) { ... }</c>.
/// Ops run inside record no history, which saves memory and time during evaluation.
/// </summary>
public static class GradMode
{
    [ThreadStatic] private static int _disabledDepth;

    /// <summary>True when ops record history for autograd on this thread.</summary>
    public static bool IsEnabled => _disabledDepth == 0;

    /// <summary>Disables recording until the returned scope is disposed.</summary>
    public static NoGradScope NoGrad()
    {
        _disabledDepth++;
        return new NoGradScope(true);
    }

    /// <summary>The scope returned by <see cref="NoGrad"/>.</summary>
    public readonly struct NoGradScope : IDisposable
    {
        private readonly bool _active;
        internal NoGradScope(bool active) => _active = active;

        /// <summary>Re-enables recording (if no outer scope disabled it).</summary>
        public void Dispose()
        {
            if (_active) _disabledDepth--;
        }
    }
}
