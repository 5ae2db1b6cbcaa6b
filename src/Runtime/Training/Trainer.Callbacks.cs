namespace AotNet.Training;

/// <summary>The end of an epoch in <see cref="Fit"/>: ReduceLROnPlateau, then the observers, then EarlyStopping.</summary>
public sealed partial class Trainer<TModel>
{
    /// <summary>The callbacks' state during one fit (Keras resets it at the start of training).</summary>
    private sealed class FitCallbacks
    {
        private readonly Trainer<TModel> _trainer;
        private readonly History _history;
        private readonly ITrainingObserver? _observer;
        private readonly IReadOnlyList<ITrainingObserver> _callbacks;
        private readonly ReduceLROnPlateau? _plateauSettings;
        private readonly bool _earlyStopping;
        private PlateauTracker _plateau;
        private EarlyStoppingTracker _early;

        public FitCallbacks(Trainer<TModel> trainer, FitOptions options, History history, ITrainingObserver? observer)
        {
            _trainer = trainer;
            _history = history;
            _observer = observer;
            _callbacks = options.Callbacks;
            var plateau = options.ReduceLROnPlateau;
            if (plateau is not null)
            {
                if (options.LearningRateSchedule is not null)
                {
                    throw new ArgumentException("ReduceLROnPlateau cannot set the rate of a LearningRateSchedule (Keras raises too): use one of them", nameof(options));
                }

                plateau.Validate();
                FitChecks.RequireKey(nameof(ReduceLROnPlateau), plateau.Monitor, history);

                history.TrackLearningRate(options.Epochs);
                _plateau = new PlateauTracker(plateau);
            }

            _plateauSettings = plateau;
            // every callback's settings are checked here, before the first epoch changes the model
            if (options.EarlyStopping is { } early)
            {
                FitChecks.RequireKey(nameof(EarlyStopping), early.Monitor, history);
            }

            (observer as IFitCheck)?.CheckBeforeFit(history);
            foreach (var callback in _callbacks)
            {
                (callback as IFitCheck)?.CheckBeforeFit(history);
            }

            if (options.EarlyStopping is { } stopping)
            {
                _earlyStopping = true;
                _early = new EarlyStoppingTracker(stopping, trainer.Model.Parameters.Length);
            }
        }

        /// <summary>Bytes the observers allocated: not training's.</summary>
        public long ExcludedBytes { get; private set; }

        /// <summary>ReduceLROnPlateau: records the epoch's rate and sets the next one.</summary>
        public void AdjustLearningRate(int epoch)
        {
            if (_plateauSettings is null)
            {
                return;
            }

            var context = _trainer._context;
            float learningRate = context.LearningRate ?? (float)TModel.Description.LearningRate;
            _history.AddLearningRate(learningRate);
            float next = _plateau.OnEpochEnd(_history[_plateauSettings.Monitor][epoch - 1], learningRate);
            if (next != learningRate)
            {
                context.LearningRate = next;
            }
        }

        /// <summary>Tells the observers, then EarlyStopping; true when training stops here.</summary>
        public bool OnEpochEnd(int epoch, TimeSpan epochTime)
        {
            if (_observer is not null)
            {
                Tell(_observer, epoch, epochTime);
            }

            for (int c = 0; c < _callbacks.Count; c++)
            {
                Tell(_callbacks[c], epoch, epochTime);
            }

            return _earlyStopping && _early.OnEpochEnd(epoch, _history, _trainer.Model.Parameters);
        }

        /// <summary>EarlyStopping's best weights back, when it keeps them.</summary>
        public void OnTrainEnd()
        {
            if (_earlyStopping)
            {
                _early.RestoreBestWeights(_trainer.Model.Parameters, _history);
            }
        }

        private void Tell(ITrainingObserver observer, int epoch, TimeSpan epochTime)
        {
            long before = _trainer.AllocatedByTraining();
            observer.OnEpochEnd(epoch, _history, epochTime);
            ExcludedBytes += _trainer.AllocatedByTraining() - before;
        }
    }
}
