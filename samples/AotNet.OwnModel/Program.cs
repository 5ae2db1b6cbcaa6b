return AotNet.Hosting.ModelApp.Run<IrisNet>(args);
