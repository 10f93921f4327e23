global using Shm.Actors;
