using VaeSharp.Models;

namespace VaeSharp.Evaluation;

/// <summary>A model's loss and its named terms averaged over a data set, per example in nats.</summary>
/// <param name="Loss">The average loss.</param>
/// <param name="Terms">The average of each term, in the model's order.</param>
/// <param name="Count">Number of examples.</param>
public sealed record LossSummary(double Loss, IReadOnlyList<TermValue> Terms, int Count)
{
    /// <summary>The average of term <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">There is no such term.</exception>
    public double this[string name] => LossTermLabels.ValueOf(Terms, name);

    /// <summary>Accumulates per-batch losses weighted by batch size; the terms must be the ones named at construction.</summary>
    internal sealed class Accumulator(IReadOnlyList<string> names)
    {
        private readonly string[] _names = [.. names];
        private readonly double[] _sums = new double[names.Count];
        private double _loss;
        private int _count;

        /// <summary>The sums so far (for a checkpoint).</summary>
        public (double Loss, double[] Terms, int Count) Sums => (_loss, (double[])_sums.Clone(), _count);

        /// <summary>Continues from sums a checkpoint saved.</summary>
        public void Restore(double loss, IReadOnlyList<double> terms, int count)
        {
            if (terms.Count != _sums.Length) throw new InvalidDataException($"{terms.Count} saved term sums for {_sums.Length} terms ({string.Join(", ", _names)}).");
            _loss = loss;
            for (int i = 0; i < _sums.Length; i++) _sums[i] = terms[i];
            _count = count;
        }

        public void Add(ModelLoss loss, int examples)
        {
            if (_count == 0 && !loss.Names.SequenceEqual(_names))
                throw new InvalidOperationException($"The loss returned the terms [{string.Join(", ", loss.Names)}]; its model or objective declares [{string.Join(", ", _names)}].");
            _loss += loss.Total.Item() * examples;
            for (int i = 0; i < _sums.Length; i++) _sums[i] += loss.Terms[i].Value.Item() * examples;
            _count += examples;
        }

        public double RunningLoss => _loss / _count;

        /// <summary>Examples added so far.</summary>
        public int Count => _count;

        public LossSummary Result() => new(_loss / _count, _names.Select((n, i) => new TermValue(n, _sums[i] / _count)).ToArray(), _count);
    }
}
