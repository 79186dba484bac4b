namespace VaeSharp.Engine.Random;

/// <summary>
/// Seeded, counter-based random number generator (Philox4x32-10) with independent streams.
/// The same seed gives the same sequence on every machine and for every thread count.
/// </summary>
/// <remarks>Not thread-safe: give each consumer its own generator, e.g. via <see cref="Fork"/>.</remarks>
public sealed class RandomGenerator
{
    private readonly ulong _key;
    private ulong _counter;
    private uint _b0, _b1, _b2, _b3;
    private int _used = 4;
    private float _spareNormal;
    private bool _hasSpare;

    /// <summary>Creates the stream numbered <paramref name="stream"/> of the generator seeded with <paramref name="seed"/>.</summary>
    public RandomGenerator(ulong seed, ulong stream = 0)
    {
        // Mix seed and stream into the key so (seed, stream) pairs never share a sequence.
        _key = SplitMix(seed ^ SplitMix(stream + 0x632BE59BD9B4E019UL));
        Seed = seed;
        Stream = stream;
    }

    /// <summary>The seed this generator was created with.</summary>
    public ulong Seed { get; }

    /// <summary>The stream number this generator was created with.</summary>
    public ulong Stream { get; }

    /// <summary>
    /// Where the generator is in its sequence; with its seed and stream, enough to continue it exactly
    /// (a checkpoint saves it, a resumed run sets it back).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">On set: a position no generator can be in.</exception>
    public RandomState State
    {
        get => new(_counter, _used, _hasSpare, _spareNormal);
        set
        {
            if (!value.IsValid())
                throw new ArgumentOutOfRangeException(nameof(value), value, "Used must be 0 to 4, a partly used block needs a counter past it, and a spare normal must be finite.");
            _counter = value.Counter;
            _used = value.Used;
            // The words of the block being read are a function of its counter: recompute them.
            if (_used < 4) Philox.Block(_counter - 1, _key, out _b0, out _b1, out _b2, out _b3);
            _hasSpare = value.HasSpare;
            _spareNormal = value.SpareNormal;
        }
    }

    /// <summary>An independent generator for stream <paramref name="stream"/> of the same seed.</summary>
    public RandomGenerator Fork(ulong stream) => new(Seed, Stream * 0x9E3779B97F4A7C15UL + stream + 1);

    private static ulong SplitMix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    /// <summary>Next 32 random bits.</summary>
    public uint NextUInt32()
    {
        if (_used == 4)
        {
            Philox.Block(_counter++, _key, out _b0, out _b1, out _b2, out _b3);
            _used = 0;
        }
        return _used++ switch { 0 => _b0, 1 => _b1, 2 => _b2, _ => _b3 };
    }

    /// <summary>Uniform float in [0, 1) with 24 random bits.</summary>
    public float NextFloat() => (NextUInt32() >> 8) * (1.0f / 16777216.0f);

    /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble()
    {
        uint high = NextUInt32();
        return UnitDouble(high, NextUInt32());
    }

    // The top 53 of the 64 bits (high, low) as a double in [0, 1).
    private static double UnitDouble(uint high, uint low) => ((((ulong)high << 32) | low) >> 11) * (1.0 / 9007199254740992.0);

    /// <summary>Uniform integer in [0, <paramref name="maxExclusive"/>), without modulo bias.</summary>
    public int NextInt(int maxExclusive)
    {
        if (maxExclusive <= 0) throw new ArgumentOutOfRangeException(nameof(maxExclusive), maxExclusive, "Must be positive.");
        uint bound = (uint)maxExclusive;
        uint threshold = (uint)(-(int)bound) % bound;
        while (true)
        {
            ulong m = (ulong)NextUInt32() * bound;
            if ((uint)m >= threshold) return (int)(m >> 32);
        }
    }

    /// <summary>Standard normal sample (Box–Muller, the spare value cached).</summary>
    public float NextNormal()
    {
        if (_hasSpare) { _hasSpare = false; return _spareNormal; }
        double u1 = 1.0 - NextDouble(); // (0, 1]
        double u2 = NextDouble();
        (float first, _spareNormal) = BoxMuller(u1, u2);
        _hasSpare = true;
        return first;
    }

    // Two independent N(0, 1) values from u1 in (0, 1] and u2 in [0, 1): r·cos θ and r·sin θ.
    private static (float Cos, float Sin) BoxMuller(double u1, double u2)
    {
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        double theta = 2.0 * Math.PI * u2;
        return ((float)(r * Math.Cos(theta)), (float)(r * Math.Sin(theta)));
    }

    // The pair NextNormal draws from Philox block `counter` when it starts on a fresh block: u1 from words
    // 0–1 and u2 from words 2–3, as NextDouble reads them.
    private static (float Cos, float Sin) NormalPair(ulong counter, ulong key)
    {
        Philox.Block(counter, key, out uint b0, out uint b1, out uint b2, out uint b3);
        return BoxMuller(1.0 - UnitDouble(b0, b1), UnitDouble(b2, b3));
    }

    /// <summary>Fills <paramref name="destination"/> with uniform values in [low, high).</summary>
    public void FillUniform(Span<float> destination, float low = 0f, float high = 1f)
    {
        float range = high - low;
        for (int i = 0; i < destination.Length; i++) destination[i] = low + range * NextFloat();
    }

    /// <summary>Fills <paramref name="destination"/> with normal values of the given mean and standard deviation.</summary>
    public void FillNormal(Span<float> destination, float mean = 0f, float std = 1f)
    {
        long profiled = Diagnostics.OpProfiler.Begin();
        int done = 0;
        if (!_hasSpare && _used == 4 && destination.Length >= NormalJob.ParallelThreshold && EngineSettings.Threads > 1)
        {
            // Each pair comes from its own block (the counter), so pairs can be drawn on the kernel threads
            // and give exactly what NextNormal would, in order.
            int pairs = destination.Length / 2;
            NormalJob.Run(destination[..(2 * pairs)], _counter, _key, mean, std);
            _counter += (ulong)pairs;
            done = 2 * pairs;
        }
        for (int i = done; i < destination.Length; i++) destination[i] = mean + std * NextNormal();
        Diagnostics.OpProfiler.End(profiled, Diagnostics.ProfileKind.Forward, "random normals", bytes: 4.0 * destination.Length);
    }

    // FillNormal's pairs on the kernel threads: task k fills pairs [k·PairsPerTask, (k + 1)·PairsPerTask).
    private sealed unsafe class NormalJob : Kernels.IParallelJob
    {
        public const int ParallelThreshold = 2048;
        private const int PairsPerTask = 256;
        [ThreadStatic] private static NormalJob? _forThread;
        private float* _destination;
        private int _pairs;
        private ulong _counter, _key;
        private float _mean, _std;

        public static void Run(Span<float> destination, ulong counter, ulong key, float mean, float std)
        {
            NormalJob job = _forThread ??= new NormalJob();
            fixed (float* d = destination)
            {
                job._destination = d;
                job._pairs = destination.Length / 2;
                job._counter = counter; job._key = key; job._mean = mean; job._std = std;
                try
                {
                    Kernels.WorkerPool.Run((job._pairs + PairsPerTask - 1) / PairsPerTask, job);
                }
                finally
                {
                    job._destination = null;
                }
            }
        }

        public void Execute(int task)
        {
            int end = Math.Min(_pairs, (task + 1) * PairsPerTask);
            for (int pair = task * PairsPerTask; pair < end; pair++)
            {
                var (cos, sin) = NormalPair(_counter + (ulong)pair, _key);
                _destination[2 * pair] = _mean + _std * cos;
                _destination[2 * pair + 1] = _mean + _std * sin;
            }
        }
    }

    /// <summary>Fills with 1 where a uniform draw is below <paramref name="probability"/>, else 0 (Bernoulli samples).</summary>
    public void FillBernoulli(Span<float> destination, ReadOnlySpan<float> probability)
    {
        if (destination.Length != probability.Length) throw new ArgumentException("Lengths differ.", nameof(probability));
        for (int i = 0; i < destination.Length; i++) destination[i] = NextFloat() < probability[i] ? 1f : 0f;
    }

    /// <summary>Shuffles <paramref name="values"/> in place (Fisher–Yates).</summary>
    public void Shuffle<T>(Span<T> values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }
}
