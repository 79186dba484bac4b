using VaeSharp.Engine.Nn;

namespace VaeSharp.Engine.Optim;

// Contract: an optimiser owns nothing but its state arrays; it updates a model's ParameterBuffer in
// place with one flat loop over Values and Gradients (DESIGN.md, "Memory"), and Step() allocates
// nothing. Every parameter is updated on every step, zero gradient or not: the buffer has no
// "grad is None" that PyTorch's optimisers skip. State is a set of named float arrays aligned with
// the buffer (PyTorch's per-parameter state, concatenated in ParameterBuffer.Entries order) plus the
// step count and learning rate; LoadState checks names, sizes and values before it changes anything.

/// <summary>
/// Base of the optimisers: updates every value of a <see cref="ParameterBuffer"/> from its gradient
/// in one flat loop. <c>opt.ZeroGrad(); loss.Backward(); opt.Step();</c>
/// </summary>
public abstract class Optimizer
{
    // Largest step count a float32 holds exactly (PyTorch also keeps "step" as a float32 tensor).
    private const int MaxSavedStep = 1 << 24;

    private readonly List<(string Name, float[] Values)> _state = [];
    private readonly HashSet<string> _nonNegative = [];
    private float _learningRate;

    /// <summary>Creates an optimiser over <paramref name="parameters"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The learning rate is negative, infinite or NaN.</exception>
    protected Optimizer(ParameterBuffer parameters, float learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters;
        _learningRate = OptimGuard.NonNegative(learningRate);
    }

    /// <summary>The buffer this optimiser updates.</summary>
    public ParameterBuffer Parameters { get; }

    /// <summary>The learning rate used by the next <see cref="Step"/>; set it from a schedule between steps.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, infinite or NaN.</exception>
    public float LearningRate
    {
        get => _learningRate;
        set => _learningRate = OptimGuard.NonNegative(value, nameof(LearningRate));
    }

    /// <summary>Number of <see cref="Step"/> calls so far (PyTorch's <c>state["step"]</c>); the first step is 1.</summary>
    public int StepCount { get; private set; }

    /// <summary>Updates every parameter from its gradient. Allocates nothing.</summary>
    public void Step()
    {
        StepCount++;
        Update(Parameters.Values, Parameters.Gradients);
    }

    /// <summary>Sets every gradient in the buffer to zero.</summary>
    public void ZeroGrad() => Parameters.ZeroGrad();

    /// <summary>
    /// One update of all values; <see cref="StepCount"/> already counts this step.
    /// <paramref name="values"/> and <paramref name="gradients"/> are the whole buffer, aligned.
    /// </summary>
    protected abstract void Update(Span<float> values, ReadOnlySpan<float> gradients);

    /// <summary>Allocates a zeroed state array of the buffer's size, saved and restored under <paramref name="name"/>.</summary>
    /// <param name="name">The entry's name in <see cref="StateDict"/> (PyTorch's, e.g. <c>exp_avg</c>).</param>
    /// <param name="nonNegative">Whether every value is ≥ 0 (a second moment); <see cref="LoadState"/> then refuses negative ones.</param>
    protected float[] RegisterState(string name, bool nonNegative = false)
    {
        if (name is "step" or "lr" || _state.Exists(s => s.Name == name))
            throw new ArgumentException($"Optimizer state '{name}' is reserved or already registered.", nameof(name));
        var values = new float[Parameters.Count];
        _state.Add((name, values));
        if (nonNegative) _nonNegative.Add(name);
        return values;
    }

    /// <summary>
    /// A copy of the optimiser state: <c>step</c> and <c>lr</c> as one-element arrays, then each state
    /// array (e.g. Adam's <c>exp_avg</c>, <c>exp_avg_sq</c>) aligned with <see cref="ParameterBuffer.Values"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">More than 2²⁴ steps: the count no longer fits a float exactly.</exception>
    public IReadOnlyDictionary<string, float[]> StateDict()
    {
        if (StepCount > MaxSavedStep)
            throw new InvalidOperationException($"Step count {StepCount} exceeds {MaxSavedStep}, the largest a float32 'step' entry holds exactly.");
        var state = new Dictionary<string, float[]>(_state.Count + 2)
        {
            ["step"] = [StepCount],
            ["lr"] = [LearningRate],
        };
        foreach (var (name, values) in _state) state[name] = (float[])values.Clone();
        return state;
    }

    /// <summary>
    /// Restores a state saved by <see cref="StateDict"/> of an optimiser with the same entries over a buffer
    /// of the same size (Adam and AdamW share theirs, as in PyTorch). Everything is checked before anything changes.
    /// </summary>
    /// <param name="state">Name → values, as <see cref="StateDict"/> returns.</param>
    /// <param name="source">Where the state came from, for error messages (a file path).</param>
    /// <exception cref="InvalidDataException">An entry is missing, unexpected, of the wrong size, holds a value that is not finite
    /// (or negative, for an entry registered as non-negative), or an invalid step or learning rate.</exception>
    public void LoadState(IReadOnlyDictionary<string, float[]> state, string source = "optimizer state")
    {
        ArgumentNullException.ThrowIfNull(state);
        string type = GetType().Name;
        var expected = new List<string>(_state.Count + 2) { "step", "lr" };
        foreach (var (name, _) in _state) expected.Add(name);
        var missing = expected.Where(n => !state.ContainsKey(n)).ToList();
        if (missing.Count > 0) throw new InvalidDataException($"{source}: {type} state is missing {string.Join(", ", missing)}.");
        var unexpected = state.Keys.Except(expected).ToList();
        if (unexpected.Count > 0)
            throw new InvalidDataException($"{source}: unexpected entries {string.Join(", ", unexpected)} for {type} (expects {string.Join(", ", expected)}).");

        float step = Scalar(state, "step", source);
        if (!(step >= 0f && step <= MaxSavedStep) || step != MathF.Floor(step))
            throw new InvalidDataException($"{source}: 'step' is {step}; expected a whole number in [0, {MaxSavedStep}].");
        float lr = Scalar(state, "lr", source);
        if (!(lr >= 0f) || float.IsPositiveInfinity(lr))
            throw new InvalidDataException($"{source}: 'lr' is {lr}; expected a finite number ≥ 0.");
        foreach (var (name, values) in _state)
        {
            var saved = state[name] ?? throw new InvalidDataException($"{source}: '{name}' is null.");
            if (saved.Length != values.Length)
                throw new InvalidDataException($"{source}: '{name}' has {saved.Length} values, expected {values.Length} (the parameter buffer's size).");
            // Saved state comes from finite steps (a non-finite gradient stops a step before the optimiser runs), so a
            // NaN or infinity here is damage, and it would poison every later step.
            int bad = _nonNegative.Contains(name) ? Array.FindIndex(saved, v => !(v >= 0f) || float.IsPositiveInfinity(v)) : Array.FindIndex(saved, v => !float.IsFinite(v));
            if (bad >= 0)
                throw new InvalidDataException($"{source}: '{name}' value {bad} is {saved[bad]}; expected a finite number{(_nonNegative.Contains(name) ? " ≥ 0" : "")}.");
        }

        StepCount = (int)step;
        LearningRate = lr;
        foreach (var (name, values) in _state) state[name].CopyTo(values, 0);
    }

    private static float Scalar(IReadOnlyDictionary<string, float[]> state, string name, string source)
    {
        var values = state[name];
        if (values is not { Length: 1 })
            throw new InvalidDataException($"{source}: '{name}' must hold exactly one value; it holds {values?.Length ?? 0}.");
        return values[0];
    }
}
